import type { BuildOptions, Plugin } from 'esbuild';

export declare const installedPackages: Plugin;
export declare const nodeResolution: Pick<BuildOptions, 'conditions' | 'mainFields'>;
