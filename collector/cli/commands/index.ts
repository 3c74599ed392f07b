import type { Command } from '../command.js';
import { cardCommand } from './card.js';
import { compareJudgesCommand } from './compare-judges.js';
import { comparePromptsCommand } from './compare-prompts.js';
import { datasetsDiffCommand, datasetsListCommand, datasetsPushCommand, datasetsShowCommand } from './datasets.js';
import { gateCommand } from './gate.js';
import { promptsCommand } from './prompts.js';
import {
  releaseCreateCommand,
  releaseListCommand,
  releasePromoteCommand,
  releaseRollbackCandidateCommand,
  releaseRollbackCommand,
  releaseShowCommand,
} from './release.js';
import { compareRunsCommand, runShowCommand, runsCommand } from './runs.js';
import { tracesCommand } from './traces.js';
import { triplesCommand } from './triples.js';

/**
 * Every CLI command by name; a name may have two words ("compare prompts").
 * Options with the same name in several commands must have the same type:
 * the command line is parsed once against all of them.
 */
export const COMMANDS: Record<string, Command> = {
  triples: triplesCommand,
  prompts: promptsCommand,
  'compare prompts': comparePromptsCommand,
  'compare judges': compareJudgesCommand,
  traces: tracesCommand,
  runs: runsCommand,
  'runs list': runsCommand,
  'runs show': runShowCommand,
  'runs compare': compareRunsCommand,
  'compare runs': compareRunsCommand,
  'datasets list': datasetsListCommand,
  'datasets push': datasetsPushCommand,
  'datasets show': datasetsShowCommand,
  'datasets diff': datasetsDiffCommand,
  gate: gateCommand,
  'release create': releaseCreateCommand,
  'release list': releaseListCommand,
  'release show': releaseShowCommand,
  'release promote': releasePromoteCommand,
  'release rollback': releaseRollbackCommand,
  'release rollback-candidate': releaseRollbackCandidateCommand,
  card: cardCommand,
};
