package io.payroute.simulator;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Thread-safe in-memory record of the charges one simulator processed, and of their refunds. Records are
 * immutable: a settlement or a refund puts a new record in the place of the old one (in constant time), so
 * readers always see a consistent charge with its refunds.
 */
final class Ledger {
    /** Charge ids in the order recorded; the current record of each is in {@link #byId}. */
    private final ConcurrentLinkedQueue<String> order = new ConcurrentLinkedQueue<>();
    private final Map<String, ChargeRecord> byId = new ConcurrentHashMap<>();
    /** Reference → charge id, only for providers whose references are unique (Paystack, Flutterwave). */
    private final Map<String, String> uniqueReferences = new ConcurrentHashMap<>();
    /** Refund id → id of the charge it refunds. */
    private final Map<String, String> refundedCharges = new ConcurrentHashMap<>();

    /**
     * Records a charge. With {@code uniqueReference}, refuses (returns false) if the reference is
     * already taken; the check and the insert are one atomic step so concurrent duplicates cannot both win.
     */
    synchronized boolean add(ChargeRecord record, boolean uniqueReference) {
        String id = record.entry().id();
        if (uniqueReference && uniqueReferences.putIfAbsent(record.entry().reference(), id) != null) {
            return false;
        }
        byId.put(id, record);
        order.add(id);
        return true;
    }

    boolean hasUniqueReference(String reference) {
        return uniqueReferences.containsKey(reference);
    }

    Optional<ChargeRecord> byId(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** Latest record with this reference. */
    Optional<ChargeRecord> byReference(String reference) {
        String unique = uniqueReferences.get(reference);
        if (unique != null) {
            return byId(unique);
        }
        return records().filter(r -> r.entry().reference().equals(reference)).reduce((earlier, later) -> later);
    }

    List<ChargeRecord> find(Predicate<ChargeRecord> filter) {
        return records().filter(filter).toList();
    }

    List<LedgerEntry> entries(String reference) {
        return records().map(ChargeRecord::entry)
                .filter(e -> reference == null || reference.equals(e.reference()))
                .toList();
    }

    /** Current records, oldest first (a charge cleared meanwhile is skipped). */
    private Stream<ChargeRecord> records() {
        return order.stream().map(byId::get).filter(Objects::nonNull);
    }

    /**
     * Gives a pending (or requires_action) charge its final outcome, as a provider does asynchronously.
     * The record keeps its place in the ledger.
     *
     * @return the settled record, or empty when no unsettled charge has this reference
     */
    synchronized Optional<ChargeRecord> settle(String reference, Outcome outcome) {
        return byReference(reference).filter(Ledger::unsettled).map(r -> put(r.settled(outcome)));
    }

    /** Like {@link #settle}, for the charge with this id. */
    synchronized Optional<ChargeRecord> settleById(String id, Outcome outcome) {
        return byId(id).filter(Ledger::unsettled).map(r -> put(r.settled(outcome)));
    }

    private static boolean unsettled(ChargeRecord r) {
        return LedgerEntry.PENDING.equals(r.entry().status()) || LedgerEntry.REQUIRES_ACTION.equals(r.entry().status());
    }

    /**
     * Records a refund of the charge {@code chargeId} of {@code requested} MINOR units (null: all that is left), made
     * by {@code refund} from the amount. Check and record are one atomic step: concurrent refunds of one charge can
     * never add up to more than it charged.
     *
     * @throws RefundRefused when the charge did not succeed, is fully refunded or has less left than requested
     * @throws SimException  when the charge is no longer in the ledger (cleared meanwhile)
     */
    synchronized RefundRecord refund(String chargeId, Long requested, LongFunction<RefundEntry> refund) {
        ChargeRecord charge = byId.get(chargeId);
        if (charge == null) {
            throw new SimException(ErrorKind.NOT_FOUND, null, null);
        }
        long refundable = charge.entry().refundableAmount();
        if (!LedgerEntry.SUCCEEDED.equals(charge.entry().status())) {
            throw new RefundRefused(RefundRefused.Reason.NOT_SUCCEEDED, charge, requested, refundable);
        }
        if (refundable == 0) {
            throw new RefundRefused(RefundRefused.Reason.FULLY_REFUNDED, charge, requested, refundable);
        }
        long amount = requested == null ? refundable : requested;
        if (amount > refundable) {
            throw new RefundRefused(RefundRefused.Reason.AMOUNT_TOO_LARGE, charge, requested, refundable);
        }
        RefundEntry entry = refund.apply(amount);
        refundedCharges.put(entry.id(), chargeId);
        return new RefundRecord(put(charge.withRefund(entry)), entry);
    }

    Optional<RefundRecord> refundById(String refundId) {
        ChargeRecord charge = byId.get(refundedCharges.getOrDefault(refundId, ""));
        return Optional.ofNullable(charge).flatMap(c -> c.entry().refund(refundId).map(r -> new RefundRecord(c, r)));
    }

    /**
     * Gives a pending refund its final status ({@code succeeded} or {@code failed}), as the provider later does.
     *
     * @return the settled refund, or empty when no pending refund has this id
     */
    synchronized Optional<RefundRecord> settleRefund(String refundId, String status) {
        return refundById(refundId).filter(r -> LedgerEntry.PENDING.equals(r.refund().status())).map(r -> {
            RefundEntry settled = r.refund().settled(status, Instant.now());
            return new RefundRecord(put(r.charge().withRefund(settled)), settled);
        });
    }

    private ChargeRecord put(ChargeRecord record) {
        byId.put(record.entry().id(), record);
        return record;
    }

    synchronized void clear() {
        order.clear();
        byId.clear();
        uniqueReferences.clear();
        refundedCharges.clear();
    }
}
