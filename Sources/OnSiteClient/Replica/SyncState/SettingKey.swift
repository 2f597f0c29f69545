/// The keys of the replica's `setting` table: enrolment, cursor, sequence, clock.
enum SettingKey: String {
    case enrolment, cursor, lastSyncAt, nextSequence, clock
    /// Relay clock minus device clock, in milliseconds, as last measured: stamps use the relay's time.
    case clockOffset
    /// The snapshot pull in progress (a ``SnapshotPosition``), absent when none is.
    case snapshot
    /// The relay's id and epoch at the last sync (a ``RelayIdentity``): a change means the relay lost history.
    case relayIdentity
}
