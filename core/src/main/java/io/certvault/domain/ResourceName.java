package io.certvault.domain;

import java.util.regex.Pattern;

/**
 * The name rule shared by integration accounts, certificates and vault keys:
 * 1-80 letters, digits, '-', '_' or '.', and not made of dots alone (so never "." or "..").
 */
public final class ResourceName {
    private static final Pattern ALLOWED = Pattern.compile("[A-Za-z0-9._-]{1,80}");
    private static final Pattern DOTS_ONLY = Pattern.compile("\\.+");

    private ResourceName() {
    }

    /**
     * Returns the name when it is valid.
     *
     * @param what what is being named, for the message ("integration account", "certificate", "key")
     */
    public static String require(String what, String name) {
        if (name == null || name.isEmpty()) {
            throw new CertvaultException(ErrorCode.INVALID_NAME, "The " + what + " name is required.");
        }
        if (!valid(name)) {
            throw new CertvaultException(ErrorCode.INVALID_NAME, "The " + what + " name '" + printable(name)
                    + "' is invalid: use 1-80 letters, digits, '-', '_' or '.', not only dots.");
        }
        return name;
    }

    public static boolean valid(String name) {
        return name != null && ALLOWED.matcher(name).matches() && !DOTS_ONLY.matcher(name).matches();
    }

    private static String printable(String name) {
        String shortened = name.length() > 90 ? name.substring(0, 90) + "..." : name;
        return shortened.replaceAll("\\p{Cntrl}", "?");
    }
}
