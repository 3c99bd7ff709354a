export interface TableRow { what: string; ours: string; baseline: string }
export function machine(): { cores: number; cpu: string; load: number };
export function recordResult(name: string, rows: TableRow[], figures: unknown): string;
