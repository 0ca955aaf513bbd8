package org.example.sample;

public class SampleConstants {

    public static final String ROLE_PREFIX_PRIVILEGE_LEVEL = "Privilege Level: ";

    public static final String PRIVILEGE_LEVEL_FULL_ROLE = ROLE_PREFIX_PRIVILEGE_LEVEL + "Full";

    public static final String PRIVILEGE_LEVEL_FULL_UUID = "ab2160f6-0941-430c-9752-6714353fbd3c";

    public static final String EMR_CONCEPT_SOURCE_NAME = "org.openmrs.module.emrapi";

    public static final String CHECK_IN_UUID = "ca3aed11-1aa4-42a1-b85c-8332fc8001fc";
}
