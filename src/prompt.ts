import { stampPrompt } from './context.js';
import { type Template, type TemplateMessage, templateVersion } from '@evaltrace/semantic-conventions';

export type { Template, TemplateMessage };

export type Rendered<T extends Template> = T extends string ? string : TemplateMessage[];

export interface Prompt<T extends Template = Template> {
  readonly name: string;
  /** The given version, else `sha256:` + 12 hex digits of the template: an edited template gets a new version. */
  readonly version: string;
  readonly template: T;
  /**
   * Fills `{{var}}` placeholders; a placeholder without a value throws. Inside
   * task() it stamps this prompt's name and version on the task.
   */
  render(vars?: Record<string, string | number | boolean>): Rendered<T>;
}

const PLACEHOLDER = /\{\{\s*([\w.-]+)\s*\}\}/g;

export function definePrompt<const T extends Template>(spec: { name: string; version?: string; template: T }): Prompt<T> {
  if (!spec.name) throw new TypeError('definePrompt: name is required');
  const version = spec.version ?? templateVersion(spec.template);
  const prompt: Prompt<T> = {
    name: spec.name,
    version,
    template: spec.template,
    render(vars = {}) {
      const fill = (text: string) =>
        text.replace(PLACEHOLDER, (_, key: string) => {
          if (!Object.hasOwn(vars, key)) throw new Error(`prompt "${spec.name}": no value for {{${key}}}`);
          return String(vars[key]);
        });
      const t: Template = spec.template;
      const rendered = typeof t === 'string' ? fill(t) : t.map((m) => ({ role: m.role, content: fill(m.content) }));
      stampPrompt(prompt);
      return rendered as Rendered<T>;
    },
  };
  return Object.freeze(prompt);
}
