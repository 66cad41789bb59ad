/**
 * The {@code ci-server} program: its options ({@link net.p2pci.server.ServerOptions}), its configuration
 * ({@link net.p2pci.server.ServerConfig}), {@code main} ({@link net.p2pci.server.CiServer}), and the running server
 * that wires the other packages together ({@link net.p2pci.server.IndexServer}).
 *
 * <p>A request's path, package by package: {@code network} accepts the connection and reads the request
 * ({@code AcceptLoop} → {@code ConnectionHandler}); {@code index} decides the answer by the index's rules
 * ({@code Dispatcher}, {@code IndexRules}); {@code store} keeps the index ({@code IndexStore}, embedded in H2 or
 * shared in PostgreSQL); {@code network} writes the answer.
 */
package net.p2pci.server;
