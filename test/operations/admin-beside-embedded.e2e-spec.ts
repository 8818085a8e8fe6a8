// test-database: independent (picks its database itself)
import { describeAdminBesideService } from './admin-beside-service';

describeAdminBesideService('embedded');
