/**
 * The SDK's one way to tell the developer something went wrong without
 * throwing into the app: a process warning named `EvaltraceWarning`. Not
 * OTel's diag logger, which prints nothing until the app sets one up.
 */
export function warn(message: string): void {
  process.emitWarning(message, 'EvaltraceWarning');
}
