// etcd for the e2e control plane: the upstream server entry point, built from the
// same module graph as kube-apiserver so both come from one pinned go.mod.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
