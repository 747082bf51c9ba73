/**
 * The only importer of the native addon (build/Release/voicegate_native.node, built by node-gyp
 * during `npm ci`). Everything else uses the typed functions of this folder, which validate every
 * argument before it crosses into C++.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** The addon's raw snake_case exports. */
export interface NativeAddon {
  abi_version: number;
  sd_notify(socketPath: string, state: string): 'sent' | 'no-socket';
}

export const EXPECTED_ABI = 1;

export class NativeAddonMissingError extends Error {
  readonly code = 'native_addon_missing';
  constructor(path: string, cause: string) {
    super(
      `voicegate's native addon could not be loaded from ${path} (${cause}). ` +
        'Build it with `npm rebuild` (or `npx node-gyp rebuild`) in the voicegate folder; ' +
        'it needs python3, make and g++.',
    );
    this.name = 'NativeAddonMissingError';
  }
}

let cached: NativeAddon | undefined;

/** Path of the addon: $VOICEGATE_NATIVE_ADDON, else build/Release under the package root. */
export function nativeAddonPath(): string {
  const fromEnv = process.env.VOICEGATE_NATIVE_ADDON;
  if (fromEnv) return fromEnv;
  // This file sits at dist/src/media/codec/native.js; the package root is four levels up.
  return fileURLToPath(new URL('../../../../build/Release/voicegate_native.node', import.meta.url));
}

/** Loads the addon once; throws NativeAddonMissingError naming the fix. */
export function native(): NativeAddon {
  if (cached) return cached;
  const path = nativeAddonPath();
  if (!existsSync(path)) throw new NativeAddonMissingError(path, 'file not found');
  let mod: NativeAddon;
  try {
    mod = createRequire(import.meta.url)(path) as NativeAddon;
  } catch (err) {
    throw new NativeAddonMissingError(path, (err as Error).message.split('\n')[0] ?? 'load failed');
  }
  if (mod.abi_version !== EXPECTED_ABI) {
    throw new NativeAddonMissingError(
      path,
      `addon ABI ${mod.abi_version}, expected ${EXPECTED_ABI}: it is stale`,
    );
  }
  cached = mod;
  return mod;
}
