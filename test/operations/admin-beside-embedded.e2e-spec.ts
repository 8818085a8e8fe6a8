import { describeAdminBesideService } from './admin-beside-service';

describeAdminBesideService('embedded');
