// Types of krew-manifest.mjs for the TypeScript tests.
export function renderKrewManifest(
  template: string,
  tag: string,
  sha256Of: (fileName: string) => string | undefined,
  opts?: { baseUrl?: string },
): { text: string; included: string[]; omitted: string[] };
