package io.emprops.web.input;

/** A request parameter that cannot be converted; its message says what the value must be. */
public class InvalidParameterValue extends IllegalArgumentException {

  public InvalidParameterValue(String rule) {
    super(rule);
  }
}
