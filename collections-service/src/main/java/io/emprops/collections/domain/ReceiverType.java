package io.emprops.collections.domain;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Optional;

/** What a receiver is paid from: primary sales or secondary-sale royalties. Shares add up per type. */
public enum ReceiverType {
  PRIMARY("primary"),
  SECONDARY("secondary");

  private final String wireName;

  ReceiverType(String wireName) {
    this.wireName = wireName;
  }

  @JsonValue
  public String wireName() {
    return wireName;
  }

  public static Optional<ReceiverType> fromWire(String value) {
    return Arrays.stream(values()).filter(t -> t.wireName.equals(value)).findFirst();
  }
}
