import { mount } from 'svelte';
import App from './App.svelte';
import { connectApi } from './api-ws.js';

const target = document.getElementById('app')!;
target.textContent = '';
mount(App, { target, props: { api: connectApi() } });
