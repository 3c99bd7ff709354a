import type { Services } from '../services';

export const showLogs = (s: Services) => () => s.output.show(true);
