import { describeCrashSafety } from './crash-safety';

describeCrashSafety('postgresql', ['commands']);
