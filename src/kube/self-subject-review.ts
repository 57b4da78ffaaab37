// Asks the API server who it thinks we are: SelfSubjectReview (authentication.k8s.io/v1, GA in 1.28),
// falling back to v1beta1 on older servers, as `kubectl auth whoami` does.
import { ClusterError } from '../errors.js';
import type { KubeClient } from './client.js';

export interface UserInfo {
  username: string;
  uid?: string;
  groups: string[];
  extra: Record<string, string[]>;
  apiVersion: string;
}

interface SelfSubjectReview {
  status?: { userInfo?: { username?: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> } };
}

export async function selfSubjectReview(client: KubeClient): Promise<UserInfo> {
  for (const version of ['v1', 'v1beta1']) {
    const apiVersion = `authentication.k8s.io/${version}`;
    const res = await client.request<SelfSubjectReview>('POST', `/apis/authentication.k8s.io/${version}/selfsubjectreviews`, {
      body: { apiVersion, kind: 'SelfSubjectReview' },
      acceptStatus: [404],
    });
    if (res.status === 404) continue;
    const u = res.body?.status?.userInfo ?? {};
    return { username: u.username ?? '', uid: u.uid || undefined, groups: u.groups ?? [], extra: u.extra ?? {}, apiVersion };
  }
  throw new ClusterError('the server does not offer SelfSubjectReview (authentication.k8s.io/v1 or v1beta1; Kubernetes 1.27+)', 404);
}
