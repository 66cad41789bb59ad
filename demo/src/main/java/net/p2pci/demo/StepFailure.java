package net.p2pci.demo;

/** A step whose outcome the following steps need did not happen; the demo stops there. */
final class StepFailure extends Exception {
    StepFailure(String message) {
        super(message, null, false, false);
    }
}
