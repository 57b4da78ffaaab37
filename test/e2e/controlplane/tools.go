//go:build tools

// Keeps k8s.io/kubernetes' commands in the module graph so `go build k8s.io/kubernetes/cmd/...` resolves.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
