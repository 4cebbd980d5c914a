// Package clustertest proves that Custos replicas are interchangeable: its
// tests build the real binary, start two `custos serve` processes on one
// database of their own and Debian's HAProxy in front of them (round robin,
// no sticky sessions), and drive them over HTTP as users would, killing a
// replica on the way. The backup drill dumps a running system with pg_dump
// and restores it into an empty database.
package clustertest
