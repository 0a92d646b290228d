package io.emprops.credits.domain;

import java.util.Locale;

/** What a ledger entry records; stored and shown in lower case. */
public enum LedgerKind {
  GRANT, RESERVE, CHARGE, RELEASE, REFUND;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static LedgerKind fromWire(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
