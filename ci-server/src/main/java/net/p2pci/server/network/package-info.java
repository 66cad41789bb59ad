/**
 * The network side: accepting connections within the limits ({@code AcceptLoop}, {@code ConnectionLimiter},
 * {@code Refusals}), one virtual thread per connection reading requests and writing answers
 * ({@code ConnectionHandler}) under deadlines ({@code RequestDeadline}), and the watchdog that drops clients that
 * stop reading ({@code Watchdog}).
 */
package net.p2pci.server.network;
