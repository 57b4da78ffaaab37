// The envelope every module agrees on for a Kubernetes object read from the API server or a manifest
// file: only apiVersion, kind and metadata are typed; each area types the rest as it needs.

export interface OwnerReference {
  apiVersion?: string;
  kind: string;
  name: string;
  uid?: string;
  controller?: boolean;
}

export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: OwnerReference[];
    uid?: string;
    [key: string]: unknown;
  };
  [key: string]: unknown;
}
