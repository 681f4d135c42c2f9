// Command etcd is the etcd server, built from its Go module because Debian's
// etcd is older than current kube-apiserver supports.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
