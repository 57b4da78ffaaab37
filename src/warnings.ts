// The one shape every command uses for warnings in its result: a stable machine-readable code
// (documented in the README) and a sentence for people.
export interface Warning {
  code: string;
  message: string;
  /** The object the warning is about, as "Kind namespace/name", when there is one. */
  object?: string;
}
