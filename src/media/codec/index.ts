export { native, nativeAddonPath, NativeAddonMissingError } from './native.js';
export { sdNotify } from './sd-notify.js';
