import type { Side } from './child-services.js';

/**
 * One figure of a bench for each side it measured (the work tree, and the baseline with
 * `BENCH_BASELINE_ROOT`), printed as `work tree  baseline  work ÷ baseline`. A bench never fails on
 * a missed target: the target is printed for the reader only.
 */
export interface SideFigure {
  label: string;
  /** By side key (`work`, `base`). */
  values: Partial<Record<Side['key'], number>>;
  digits?: number;
  unit?: string;
  target?: string;
  /** Whether a value meets the target: PASS or MISS is printed after it, for each side. */
  meets?: (value: number) => boolean;
}

export function printSideBySide(title: string, sides: Side[], figures: SideFigure[]): void {
  const width = Math.max(title.length, ...figures.map((figure) => figure.label.length)) + 2;
  const cell = (value: number | undefined, digits: number) =>
    (value === undefined || Number.isNaN(value) ? '-' : value.toFixed(digits)).padStart(11);
  const withBaseline = sides.some((side) => side.key === 'base');
  console.log(
    `\n${title.padEnd(width)}${'work tree'.padStart(11)}` +
      (withBaseline ? `${'baseline'.padStart(11)}${'work÷base'.padStart(11)}` : '') +
      '  unit / target',
  );
  for (const figure of figures) {
    const digits = figure.digits ?? 2;
    const work = figure.values.work;
    const base = figure.values.base;
    const ratio = work !== undefined && base !== undefined && base !== 0 ? work / base : undefined;
    const verdicts =
      figure.meets &&
      sides
        .map((side) => figure.values[side.key])
        .map((value) =>
          value === undefined || Number.isNaN(value) ? '-' : figure.meets!(value) ? 'PASS' : 'MISS',
        )
        .join('/');
    const note = [figure.unit, figure.target && `target ${figure.target}`, verdicts]
      .filter(Boolean)
      .join(', ');
    console.log(
      `${figure.label.padEnd(width)}${cell(work, digits)}` +
        (withBaseline ? `${cell(base, digits)}${cell(ratio, 3)}` : '') +
        (note ? `  ${note}` : ''),
    );
  }
}

/** The sides in the order of one round: each round starts with the next side, so drift is shared. */
export function roundOrder<T>(items: T[], round: number): T[] {
  const shift = round % items.length;
  return [...items.slice(shift), ...items.slice(0, shift)];
}
