package io.payroute.state;

import java.util.EnumMap;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which status may follow which, for one kind of object. The instances live next to each other in this package
 * ({@link ChargeStateMachine}, {@link RefundStateMachine}), so every transition PayRoute allows is in one place;
 * docs/architecture.md draws them. Repositories apply a change only after {@link #check}, and only with a
 * conditional update on the status they read, so two instances racing on one object cannot both apply one.
 */
public final class StateMachine<S extends Enum<S>> {

    private static final Logger log = LoggerFactory.getLogger(StateMachine.class);

    private final String object;
    private final Map<S, Set<S>> allowed;

    private StateMachine(String object, Map<S, Set<S>> allowed) {
        this.object = object;
        this.allowed = allowed;
    }

    /** @param transitions pairs: a status followed by the set of statuses it may move to */
    public static <S extends Enum<S>> StateMachine<S> of(String object, Class<S> type, Map<S, Set<S>> transitions) {
        Map<S, Set<S>> allowed = new EnumMap<>(type);
        for (S s : type.getEnumConstants()) {
            allowed.put(s, EnumSet.noneOf(type));
        }
        transitions.forEach((from, to) -> allowed.get(from).addAll(to));
        return new StateMachine<>(object, allowed);
    }

    public boolean allows(S from, S to) {
        return allowed.get(from).contains(to);
    }

    /** Rejects (and logs) an illegal transition. */
    public void check(String id, S from, S to) {
        if (!allows(from, to)) {
            String f = from.name().toLowerCase(Locale.ROOT);
            String t = to.name().toLowerCase(Locale.ROOT);
            log.warn("illegal {} transition rejected: {}={} {} -> {}", object, object, id, f, t);
            throw new IllegalTransitionException(object + " " + id + " cannot move from " + f + " to " + t);
        }
    }

    public static final class IllegalTransitionException extends IllegalStateException {
        public IllegalTransitionException(String message) {
            super(message);
        }
    }
}
