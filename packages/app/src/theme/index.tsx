import { AppTheme } from '@backstage/core-plugin-api';
import { themes, UnifiedThemeProvider } from '@backstage/theme';
import LightIcon from '@material-ui/icons/WbSunny';
import DarkIcon from '@material-ui/icons/Brightness2';
import { portalDarkTheme, portalLightTheme } from './portalTheme';

/** Our light and dark themes first (the default), Backstage's own still selectable in Settings. */
export const appThemes: AppTheme[] = [
  {
    id: 'portal-light',
    title: 'Portal light',
    variant: 'light',
    icon: <LightIcon />,
    Provider: ({ children }) => (
      <UnifiedThemeProvider theme={portalLightTheme} children={children} />
    ),
  },
  {
    id: 'portal-dark',
    title: 'Portal dark',
    variant: 'dark',
    icon: <DarkIcon />,
    Provider: ({ children }) => (
      <UnifiedThemeProvider theme={portalDarkTheme} children={children} />
    ),
  },
  {
    id: 'light',
    title: 'Backstage light',
    variant: 'light',
    Provider: ({ children }) => (
      <UnifiedThemeProvider theme={themes.light} children={children} />
    ),
  },
  {
    id: 'dark',
    title: 'Backstage dark',
    variant: 'dark',
    Provider: ({ children }) => (
      <UnifiedThemeProvider theme={themes.dark} children={children} />
    ),
  },
];
