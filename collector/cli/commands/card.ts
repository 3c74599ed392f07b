import { type Command, segment } from '../command.js';

export const cardCommand: Command = {
  args: ['ID'],
  summary: 'the release card of release ID as Markdown (--json: the card as JSON)',
  options: {},
  exports: false,
  async run(ctx) {
    const path = `/api/releases/${segment(ctx.args[0])}/card`;
    if (ctx.json) ctx.write(`${JSON.stringify(await ctx.client.json(path), null, 2)}\n`);
    else ctx.write(await ctx.client.text(path, { format: 'markdown' }));
  },
};
