/**
 * A prompt template and its version: `sha256:` + 12 hex digits of the
 * template, the same in definePrompt and in the collector's prompt registry,
 * so a template defined in code and the registry's copy of it share a version.
 */
import { createHash } from 'node:crypto';

export interface TemplateMessage {
  role: string;
  content: string;
}

/** A prompt template: one string, or chat messages whose contents are templates. */
export type Template = string | readonly TemplateMessage[];

export function templateVersion(template: Template): string {
  const canonical = typeof template === 'string' ? template : JSON.stringify(template.map((m) => [m.role, m.content]));
  return `sha256:${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`;
}
