import { describeCrashSafety } from './crash-safety';

describeCrashSafety('embedded', ['service']);
