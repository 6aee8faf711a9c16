package io.payroute.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Predicate;

/** Thread-safe in-memory record of the charges one simulator processed. */
final class Ledger {
    private final ConcurrentLinkedQueue<ChargeRecord> ordered = new ConcurrentLinkedQueue<>();
    private final Map<String, ChargeRecord> byId = new ConcurrentHashMap<>();
    /** Only for providers whose references are unique (Paystack, Flutterwave). */
    private final Map<String, ChargeRecord> byUniqueReference = new ConcurrentHashMap<>();

    /**
     * Records a charge. With {@code uniqueReference}, refuses (returns false) if the reference is
     * already taken; the check and the insert are one atomic step so concurrent duplicates cannot both win.
     */
    boolean add(ChargeRecord record, boolean uniqueReference) {
        synchronized (this) {
            if (uniqueReference && byUniqueReference.putIfAbsent(record.entry().reference(), record) != null) {
                return false;
            }
            byId.put(record.entry().id(), record);
            ordered.add(record);
            return true;
        }
    }

    boolean hasUniqueReference(String reference) {
        return byUniqueReference.containsKey(reference);
    }

    Optional<ChargeRecord> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Latest record with this reference. */
    Optional<ChargeRecord> byReference(String reference) {
        ChargeRecord unique = byUniqueReference.get(reference);
        if (unique != null) {
            return Optional.of(unique);
        }
        ChargeRecord last = null;
        for (ChargeRecord r : ordered) {
            if (r.entry().reference().equals(reference)) {
                last = r;
            }
        }
        return Optional.ofNullable(last);
    }

    List<ChargeRecord> find(Predicate<ChargeRecord> filter) {
        List<ChargeRecord> out = new ArrayList<>();
        for (ChargeRecord r : ordered) {
            if (filter.test(r)) {
                out.add(r);
            }
        }
        return out;
    }

    List<LedgerEntry> entries(String reference) {
        List<LedgerEntry> out = new ArrayList<>();
        for (ChargeRecord r : ordered) {
            if (reference == null || reference.equals(r.entry().reference())) {
                out.add(r.entry());
            }
        }
        return out;
    }

    /**
     * Gives a pending (or requires_action) charge its final outcome, as a provider does asynchronously.
     * The record keeps its place in the ledger.
     *
     * @return the settled record, or empty when no unsettled charge has this reference
     */
    synchronized Optional<ChargeRecord> settle(String reference, Outcome outcome) {
        return byReference(reference).filter(Ledger::unsettled).map(r -> replace(r, outcome));
    }

    /** Like {@link #settle}, for the charge with this id. */
    synchronized Optional<ChargeRecord> settleById(String id, Outcome outcome) {
        return byId(id).filter(Ledger::unsettled).map(r -> replace(r, outcome));
    }

    private static boolean unsettled(ChargeRecord r) {
        return LedgerEntry.PENDING.equals(r.entry().status()) || LedgerEntry.REQUIRES_ACTION.equals(r.entry().status());
    }

    private ChargeRecord replace(ChargeRecord old, Outcome outcome) {
        LedgerEntry e = old.entry();
        ChargeRecord settled = new ChargeRecord(new LedgerEntry(e.id(), e.reference(), e.amount(), e.currency(),
                outcome.recordedAs, e.paymentMethod(), e.metadata(), e.createdAt()), outcome, old.token(), old.email());
        byId.put(e.id(), settled);
        byUniqueReference.replace(e.reference(), old, settled);
        List<ChargeRecord> all = new ArrayList<>(ordered);
        all.replaceAll(r -> r == old ? settled : r);
        ordered.clear();
        ordered.addAll(all);
        return settled;
    }

    synchronized void clear() {
        ordered.clear();
        byId.clear();
        byUniqueReference.clear();
    }
}
