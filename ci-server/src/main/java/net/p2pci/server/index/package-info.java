/**
 * The index side: what each request does to the index ({@code Dispatcher}), in one place for every store: the first
 * request registers the peer, a claim never displaces another, ADDs are held to the record limit and the memory
 * budget ({@code IndexRules}), and a departed peer's records go.
 */
package net.p2pci.server.index;
