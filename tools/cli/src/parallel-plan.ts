import { describeParallelism, type EnvParallelism } from '@workgym/agents';

/** Prints a run's parallelism once, on stderr: one line of lanes and containers, then a line per env whose --parallel was cut. */
export function parallelismPrinter(tag: string): (plan: readonly EnvParallelism[]) => void {
  return (plan) => {
    const lines = [describeParallelism(plan), ...plan.flatMap((env) => (env.warning ? [`warning: ${env.warning}`] : []))];
    process.stderr.write(lines.map((line) => `[${tag}] ${line}\n`).join(''));
  };
}
