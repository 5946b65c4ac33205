package dev.minoro.internal.repository;

import dev.minoro.MinoroException;
import java.util.concurrent.atomic.AtomicBoolean;

/** Whether a Minoro instance is still open; every operation checks it before touching the database. */
public final class Lifecycle {

    private final AtomicBoolean closed = new AtomicBoolean();

    /** Marks the instance closed; true for the first caller only. */
    public boolean close() {
        return closed.compareAndSet(false, true);
    }

    /** Fails when the instance is closed. */
    public void checkOpen() {
        if (closed.get()) {
            throw new MinoroException("this Minoro instance is closed; make a new one with Minoro.create(...)");
        }
    }
}
