// Placeholder until the command lands; replaced by its own issue's work.
import type { CommandModule } from 'yargs';
import { UsageError } from '../errors.js';

export const podIdentityMigrateCommand: CommandModule = {
  command: 'pod-identity-migrate',
  describe: false,
  handler: () => {
    throw new UsageError('pod-identity-migrate is not implemented yet');
  },
};
