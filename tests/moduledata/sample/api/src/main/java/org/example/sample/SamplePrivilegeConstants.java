package org.example.sample;

import org.openmrs.annotation.AddOnStartup;
import org.openmrs.annotation.HasAddOnStartupPrivileges;

@HasAddOnStartupPrivileges
public class SamplePrivilegeConstants {

    @AddOnStartup(description = "Able to view the 'Overview' tab on the patient dashboard")
    public static final String DASHBOARD_OVERVIEW = "Patient Dashboard - View Overview Section";

    public static final String NOT_ADDED = "Not Added On Startup";
}
