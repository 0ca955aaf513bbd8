package org.example.sample;

import org.openmrs.module.metadatadeploy.bundle.AbstractMetadataBundle;

import static org.openmrs.module.metadatadeploy.bundle.CoreConstructors.encounterType;
import static org.openmrs.module.metadatadeploy.bundle.CoreConstructors.idSet;
import static org.openmrs.module.metadatadeploy.bundle.CoreConstructors.privilege;
import static org.openmrs.module.metadatadeploy.bundle.CoreConstructors.role;

public class SampleMetadata extends AbstractMetadataBundle {

    public static class _Privilege {
        public static final String APP_COREAPPS_FIND_PATIENT = "App: coreapps.findPatient";
    }

    public static class _Role {
        public static final String APPLICATION_REGISTERS_PATIENTS = "Application: Registers Patients";
    }

    @Override
    public void install() throws Exception {
        install(privilege(_Privilege.APP_COREAPPS_FIND_PATIENT, "Able to access the find patient app"));
        install(role(_Role.APPLICATION_REGISTERS_PATIENTS, "Registers patients", idSet(), idSet(
                _Privilege.APP_COREAPPS_FIND_PATIENT)));
        install(encounterType("Check-in", "Check-in encounter", SampleConstants.CHECK_IN_UUID));
        install(encounterType(getNameFromSomewhere(), "computed", SampleConstants.CHECK_IN_UUID));
    }
}
