// placeholder until the service exists
import type { Command } from 'commander';
export function registerGroupCommands(_program: Command): void {}
