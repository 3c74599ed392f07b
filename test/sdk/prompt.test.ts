import { describe, expect, it } from 'vitest';
import { definePrompt } from '../../src/index.js';

describe('definePrompt()', () => {
  it('keeps an explicit version', () => {
    expect(definePrompt({ name: 'p', version: 'v7', template: 'Hi {{name}}' }).version).toBe('v7');
  });

  it('versions an unversioned prompt by a hash of its template', () => {
    const a = definePrompt({ name: 'p', template: 'Hi {{name}}' });
    const same = definePrompt({ name: 'p', template: 'Hi {{name}}' });
    const edited = definePrompt({ name: 'p', template: 'Hello {{name}}' });
    expect(a.version).toMatch(/^sha256:[0-9a-f]{12}$/);
    expect(same.version).toBe(a.version);
    expect(edited.version).not.toBe(a.version);
  });

  it('hashes chat templates by role and content', () => {
    const a = definePrompt({ name: 'p', template: [{ role: 'system', content: 'Be {{tone}}.' }] });
    const b = definePrompt({ name: 'p', template: [{ role: 'user', content: 'Be {{tone}}.' }] });
    expect(a.version).not.toBe(b.version);
  });

  it('renders {{var}} placeholders in a string template', () => {
    const p = definePrompt({ name: 'p', template: 'Q: {{ question }} ({{n}})' });
    expect(p.render({ question: 'why?', n: 3 })).toBe('Q: why? (3)');
  });

  it('renders every message of a chat template', () => {
    const p = definePrompt({
      name: 'p',
      template: [
        { role: 'system', content: 'Be {{tone}}.' },
        { role: 'user', content: '{{question}}' },
      ],
    });
    expect(p.render({ tone: 'brief', question: 'why?' })).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'why?' },
    ]);
  });

  it('refuses to render with a missing variable, even one named like an Object property', () => {
    const p = definePrompt({ name: 'p', template: 'Q: {{question}}' });
    expect(() => p.render({})).toThrow(/no value for \{\{question\}\}/);
    expect(() => definePrompt({ name: 'p', template: '{{constructor}}' }).render({})).toThrow(/no value/);
  });

  it('is immutable, so a prompt cannot drift from its version', () => {
    const p = definePrompt({ name: 'p', template: 'x' });
    expect(Object.isFrozen(p)).toBe(true);
  });
});
