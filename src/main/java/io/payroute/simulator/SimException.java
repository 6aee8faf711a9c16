package io.payroute.simulator;

/** Thrown by a dialect while parsing a request; rendered with the dialect's own error envelope. */
final class SimException extends RuntimeException {
    final ErrorKind kind;
    /** Offending request parameter, if any (Stripe reports it as error.param). */
    final String param;

    SimException(ErrorKind kind, String message, String param) {
        super(message, null, false, false); // no stack trace: this is control flow, not a bug
        this.kind = kind;
        this.param = param;
    }

    static SimException badRequest(String message, String param) {
        return new SimException(ErrorKind.BAD_REQUEST, message, param);
    }
}
