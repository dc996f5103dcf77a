import type { Command } from 'commander';
import { lazy } from '../lazy.js';

const actions = () => import('../actions/images.js');

export function defineImages(images: Command): void {
  images.addHelpText('after', '\nExamples:\n  workgym images build\n  workgym images ls --json\n  workgym images prune');

  images
    .command('build [envs...]')
    .description("build the Debian base image and each env's image; unchanged envs are not rebuilt")
    .option('--json', 'print the built images as JSON')
    .option('-v, --verbose', 'show build output')
    .option('--dry-run', 'say which images are up to date and which would be built, without building')
    .action(lazy(async () => (await actions()).buildImages));

  images
    .command('ls')
    .description('list env images')
    .option('--json', 'print JSON')
    .action(lazy(async () => (await actions()).listImages));

  images
    .command('prune')
    .description('remove env images that are not the current build of their env')
    .option('--all', 'remove every workgym image, the base image too')
    .option('--dry-run', 'list what would be removed, without removing it')
    .action(lazy(async () => (await actions()).pruneEnvImages));
}
