// Types of fingerprint.mjs for the TypeScript tests.
export function packagingFingerprint(root: string): string;
