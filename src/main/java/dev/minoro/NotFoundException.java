package dev.minoro;

/** The user or role an operation names does not exist. */
public final class NotFoundException extends MinoroException {

    private static final long serialVersionUID = 1L;

    public NotFoundException(String message) {
        super(message);
    }
}
