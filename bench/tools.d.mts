/** istioctl from ISTIOCTL, the testbed's cache or PATH (`path` undefined when none), with where it looked. */
export function findIstioctl(): { path: string | undefined; looked: string[] };

/** dist/cli.js as `npm run build` makes it, rebuilt first when a source is newer. */
export function builtCli(root: string, log?: (message: string) => void): string;
