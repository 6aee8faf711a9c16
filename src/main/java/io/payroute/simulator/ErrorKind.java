package io.payroute.simulator;

/** Transport-level failures every provider expresses, each in its own error envelope. */
enum ErrorKind {
    BAD_REQUEST(400),
    UNAUTHORIZED(401),
    NOT_FOUND(404),
    CONFLICT(409),
    RATE_LIMITED(429),
    SERVER_ERROR(500),
    UNAVAILABLE(503);

    final int status;

    ErrorKind(int status) {
        this.status = status;
    }
}
