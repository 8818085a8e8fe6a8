// test-database: independent (picks its database itself (the local server, in either pass))
import { describeAdminBesideService } from './admin-beside-service';

describeAdminBesideService('postgresql');
