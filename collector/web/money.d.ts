/** Types of money.js, for the TypeScript that shares it (CLI, release cards). */
export declare function usd(x: number | null | undefined): string;
export declare function usdDelta(x: number | null | undefined): string;
export declare function usdPer(x: number | null | undefined, unit: string): string;
