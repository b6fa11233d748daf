import { render, screen } from '@testing-library/react';
import App from './App';

describe('App', () => {
  it('renders the sign-in page with the configured provider before anything else', async () => {
    process.env = {
      NODE_ENV: 'test',
      APP_CONFIG: [
        {
          data: {
            app: { title: 'Test Portal' },
            backend: { baseUrl: 'http://localhost:7007' },
            techdocs: {
              storageUrl: 'http://localhost:7007/api/techdocs/static/docs',
            },
          },
          context: 'test',
        },
      ] as any,
    };

    render(<App />);

    // Nobody is signed in: the app's sign-in page (guest when app.signInProviders is unset), under the app's title.
    expect(
      await screen.findByRole('heading', { name: 'Test Portal' }),
    ).toBeInTheDocument();
    expect(screen.getByText('Guest')).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Enter' })).toBeInTheDocument();
    // No page behind it is rendered yet.
    expect(screen.queryByRole('navigation')).not.toBeInTheDocument();
  });
});
