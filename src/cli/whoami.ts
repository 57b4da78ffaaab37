// Placeholder until the command lands; replaced by its own issue's work.
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const whoamiCommand: CommandModule = {
  command: 'whoami',
  describe: false,
  handler: () => {
    throw new UsageError('whoami is not implemented yet');
  },
};
