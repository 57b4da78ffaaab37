// Placeholder until the command lands; replaced by its own issue's work.
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const explainAccessCommand: CommandModule = {
  command: 'explain-access',
  describe: false,
  handler: () => {
    throw new UsageError('explain-access is not implemented yet');
  },
};
